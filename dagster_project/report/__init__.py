"""`backlinks report`: one self-contained HTML report of the site and its competitors
(`data.py` reads the marts, `charts.py` makes the Vega-Lite specs, `render.py` the page)."""
