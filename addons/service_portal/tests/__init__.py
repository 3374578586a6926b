from . import test_service_order
from . import test_service_task
from . import test_portal_account
from . import test_access
from . import test_external_api
from . import test_track
from . import test_track_http
