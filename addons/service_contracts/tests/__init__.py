from . import test_order_invoicing
from . import test_coverage
from . import test_loan
from . import test_contract
from . import test_contract_invoicing
from . import test_contract_portal
from . import test_portal_orders
from . import test_profit
