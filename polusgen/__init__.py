"""polusgen: live updating of running C programs (the POLUS system).

The package reads as the pipeline of ../DESIGN: frontend -> diff -> graph ->
plan -> emit -> build, and, on the other side of the patch ABI, inject.
"""

__version__ = "0.1.0"
