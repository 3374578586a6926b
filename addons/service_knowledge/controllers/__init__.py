from . import help_center
from . import portal
