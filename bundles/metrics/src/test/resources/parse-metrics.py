#!/usr/bin/python3
# Parses a scrape read from standard input with the Prometheus Python client's own parsers (Debian's
# python3-prometheus-client): "text" is the Prometheus text format 0.0.4, "openmetrics" OpenMetrics 1.0.0. Prints the
# families as JSON; a document the parser refuses exits 1 with the parser's message.
import json
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics
from prometheus_client.parser import text_string_to_metric_families as text

parse = openmetrics if sys.argv[1] == "openmetrics" else text
try:
    families = [
        {"name": f.name, "type": f.type, "help": f.documentation,
         "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]}
        for f in parse(sys.stdin.read())
    ]
except Exception as e:  # the parser's ValueError names the line it refused
    print(f"{type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
json.dump(families, sys.stdout)
