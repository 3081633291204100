"""C syntax shared by the frontend and the patch: how C that pycparser cannot
parse is carried (carried.py) and how nodes print back as C that compiles
against the real headers (cgen.py).  Neither stage owns it: the frontend
writes the carried forms and prints canonical texts, the plan and the emitter
print the patch's code.  It imports nothing of polusgen but itself.
"""
