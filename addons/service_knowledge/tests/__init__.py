from . import test_service_article
from . import test_access
from . import test_help_pages
from . import test_suggestions
from . import test_deflection
from . import test_portal_order
from . import test_tour
from . import test_help_language
