from . import service_dispatch_suggest
from . import service_dispatch_suggest_line
from . import service_dispatch_route_sheet
