from . import service_contract_profit
