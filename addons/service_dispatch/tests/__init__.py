from . import test_dispatch
from . import test_suggest
from . import test_route_sheet
from . import test_access
from . import test_external_api
from . import test_performance
