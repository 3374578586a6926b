from . import service_order_report
