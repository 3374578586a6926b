from . import portal_wizard_user
from . import service_order_handover
