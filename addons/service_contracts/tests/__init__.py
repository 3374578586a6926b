from . import test_order_invoicing
from . import test_coverage
from . import test_loan
