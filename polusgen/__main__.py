from polusgen.cli import main

main()
