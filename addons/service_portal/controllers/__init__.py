from . import portal
from . import track
