"""Reading and writing workbooks: the only layer that knows sheet and column names."""

import os

# openpyxl reads this once, when first imported: make it parse XML through defusedxml
# (entity bombs refused) whatever the surrounding environment says.
os.environ["OPENPYXL_DEFUSEDXML"] = "True"
