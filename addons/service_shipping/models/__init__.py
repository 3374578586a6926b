# service_shipment first: its table and its (id, partner, location, carrier)
# key must exist before service_order's composite foreign key refers to them.
from . import service_shipment
from . import service_location
from . import service_order
