from . import track
