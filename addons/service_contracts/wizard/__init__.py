from . import service_contract_cancel
