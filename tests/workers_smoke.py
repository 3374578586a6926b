#!/usr/bin/env python3
"""Smoke check of a multi-worker server (``--workers=2``) with demo data.

Logs in as the demo customer ``anna``, creates and approves a service order
through the portal form, then makes 12 failed look-ups on /service/track and
prints the status codes: the rate limit (10 per address by default) must hold
although the requests are served by different workers.

Usage: tests/workers_smoke.py [http://127.0.0.1:8069] [database]
"""

import re
import sys

import requests

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8069"
db = sys.argv[2] if len(sys.argv) > 2 else "service_demo"


def csrf(html):
    return re.search(r'name="csrf_token"\s+value="([^"]+)"', html).group(1)


s = requests.Session()
r = s.get(base + f"/web/login?db={db}")
r = s.post(
    base + "/web/login",
    data={"login": "anna", "password": "anna", "csrf_token": csrf(r.text)},
)
assert "/web/login" not in r.url, r.url
r = s.get(base + "/my/service-orders/new")
assert r.status_code == 200
html = r.text
loc = re.search(r'name="location_id".*?<option value="(\d+)"', html, re.S)
model = re.search(r'name="device_model_id".*?<option value="(\d+)"', html, re.S)
data = {
    "csrf_token": csrf(html),
    "device_model_id": model.group(1),
    "serial_number": "W2-0001",
    "request_type": "repair",
    "problem_description": "Checked with two workers",
    "location_id": loc.group(1),
}
# answer every question the form shows, with a plausible value per type
for name in set(re.findall(r'name="(task_\d+)"', html)):
    block = html[
        html.index(f'name="{name}"') - 400 : html.index(f'name="{name}"') + 400
    ]
    if 'type="radio"' in block:
        data[name] = "yes"
    elif 'type="date"' in block:
        data[name] = "2026-11-01"
    elif 'type="number"' in block:
        data[name] = "1"
    elif "<select" in block:
        opt = re.search(r'<option value="(\d+)"', html[html.index(f'name="{name}"') :])
        data[name] = opt.group(1)
    else:
        data[name] = "none"
r = s.post(base + "/my/service-orders/new", data=data)
print("summary:", r.status_code, r.url)
assert "/summary" in r.url, re.findall(r"invalid-feedback[^>]*>([^<]+)", r.text)
r2 = s.post(r.url.replace("/summary", "/approve"), data={"csrf_token": csrf(r.text)})
print("approved:", r2.status_code, r2.url, re.search(r"SRV/\d+/\d+", r2.text).group(0))
# tracking: failed look-ups spread over both workers, then 429 even for a right guess
t = requests.Session()
codes = []
for i in range(12):
    page = t.get(base + "/service/track")
    codes.append(
        t.post(
            base + "/service/track",
            data={
                "csrf_token": csrf(page.text),
                "order_number": f"SRV/2026/9{i:04d}",
                "last_name": "Nobody",
            },
        ).status_code
    )
print("track codes:", codes)
assert codes[:10] == [200] * 10 and codes[10:] == [429, 429], codes
print("multi-worker smoke check passed")
