"""``python -m tracker.witness keygen|serve …``: the same commands as ``tracker witness``,
without loading the app (a witness host needs none of it)."""

from tracker.witness.cli import witness

if __name__ == "__main__":
    witness.main(prog_name="python -m tracker.witness")
