from . import service_shipment
from . import service_location
from . import service_order
