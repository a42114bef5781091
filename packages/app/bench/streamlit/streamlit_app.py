"""The Streamlit side of `npm run bench:streamlit`: the same page as app.ts."""
import json
import os
import time

import streamlit as st

URL = "postgres://db.internal:5432/app"


@st.cache_resource
def get_pool(url):
    return {"url": url}


@st.cache_resource
def get_client(options):
    return {"options": options}


def options():
    return {"url": URL, "poolSize": 10, "ssl": True, "timeoutMs": 5000, "region": "eu-west-1"}


st.title("Bench")
if "count" not in st.session_state:
    st.session_state.count = 0
if st.button("Click"):
    st.session_state.count += 1
st.write(f"count: {st.session_state.count}")
st.write(f"pool: {get_pool(URL)['url']}")

hits = int(os.environ.get("CR_BENCH_HITS", "0"))
if hits > 0:
    get_pool(URL)
    get_client(options())
    t0 = time.perf_counter()
    for _ in range(hits):
        get_pool(URL)
    t1 = time.perf_counter()
    for _ in range(hits):
        get_client(options())
    t2 = time.perf_counter()
    st.text("hits " + json.dumps({"string": (t1 - t0) / hits * 1e9, "options": (t2 - t1) / hits * 1e9}))
