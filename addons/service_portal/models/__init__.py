from . import res_partner
from . import service_device_model
from . import service_location
from . import service_item
from . import service_task
from . import service_task_option
from . import service_order
from . import service_order_answer
