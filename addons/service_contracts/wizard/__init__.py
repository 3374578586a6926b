from . import service_contract_cancel
from . import service_contract_revise_prices
