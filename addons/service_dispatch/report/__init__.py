from . import service_route_sheet
