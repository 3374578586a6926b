from . import test_service_shipment
from . import test_access
from . import test_concurrency
from . import test_portal
from . import test_reports
from . import test_tour
from . import test_portal_fields
from . import test_reports_translated
