from . import service_order
from . import service_order_line
from . import service_loan_item
from . import service_loan
