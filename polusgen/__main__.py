from polusgen.entry import main

main()
