from . import service_article_category
from . import service_article
from . import service_article_suggest_log
from . import website
