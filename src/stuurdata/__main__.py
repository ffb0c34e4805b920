"""``python -m stuurdata``: the same CLI as the ``stuurdata`` command."""

from stuurdata.cli import app

app()
