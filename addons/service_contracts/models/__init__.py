from . import service_order
from . import service_order_line
from . import service_loan_item
from . import service_loan
from . import service_contract
from . import service_contract_line
from . import service_contract_period
from . import account_move
