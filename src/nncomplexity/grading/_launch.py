"""Start an IPython kernel with a memory limit: the grader's kernels run this file by its path.

    python _launch.py --memory-mb 4096 -f CONNECTION_FILE [ipykernel options]

Sets RLIMIT_AS (the address space; 0 means no limit) and RLIMIT_CORE = 0 (a crash leaves no core
file), then hands over to ipykernel. Run by path, it imports nothing of nncomplexity.
"""
import sys

if __name__ == "__main__":
    args = sys.argv[1:]
    memory_mb = 0
    if args[:1] == ["--memory-mb"]:
        memory_mb, args = int(args[1]), args[2:]
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if memory_mb > 0:
            limit = memory_mb * 2 ** 20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # no resource module (Windows): no limit
        pass
    sys.argv = [sys.argv[0]] + args
    del sys.path[0]  # this file's folder: its modules are not the student's to import
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance()
