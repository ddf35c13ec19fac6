"""Navigation links: each app gets its own coordinate system in its own order,
and the station's name comes back out intact."""
from urllib.parse import parse_qs, urlsplit

import pytest

from services.stations import navigation

NAME = "武原 红色驿站 & 休息点"
GCJ02 = (30.526001, 120.942)        # (lat, lng)
BD09 = (30.5321234, 120.9485678)    # deliberately another pair, 7 decimals
LINKS = navigation.links(NAME, GCJ02, BD09)


def parsed(url):
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query, strict_parsing=True).items()}
    return parts, query


def test_every_link_is_there():
    assert set(LINKS) == {"amap", "baidu", "tencent", "web"}
    for app in ("amap", "baidu", "tencent"):
        assert set(LINKS[app]) == {"app", "web"}


def test_amap_app_gets_the_gcj02_pair_unshifted_for_riding():
    parts, query = parsed(LINKS["amap"]["app"])
    assert (parts.scheme, parts.netloc, parts.path) == ("amapuri", "route", "/plan/")
    assert (query["dlat"], query["dlon"]) == ("30.526001", "120.942000")
    assert query["dname"] == NAME
    assert (query["dev"], query["t"], query["sourceApplication"]) == ("0", "3", "hongyi")


def test_amap_web_gets_lng_then_lat_then_the_name():
    parts, query = parsed(LINKS["amap"]["web"])
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "uri.amap.com", "/navigation")
    assert query["to"] == "120.942000,30.526001," + NAME
    assert (query["mode"], query["coordinate"], query["src"]) == ("ride", "gaode", "hongyi")


def test_the_fallback_is_an_amap_marker_any_browser_opens():
    parts, query = parsed(LINKS["web"])
    assert (parts.scheme, parts.netloc) == ("https", "uri.amap.com")
    assert query["position"] == "120.942000,30.526001"
    assert query["name"] == NAME


@pytest.mark.parametrize("carrier,scheme,host,mode", [
    ("app", "baidumap", "map", "riding"),
    ("web", "https", "api.map.baidu.com", "walking"),
])
def test_baidu_gets_the_bd09_pair_lat_first(carrier, scheme, host, mode):
    parts, query = parsed(LINKS["baidu"][carrier])
    assert (parts.scheme, parts.netloc, parts.path) == (scheme, host, "/direction")
    assert query["destination"] == "latlng:30.532123,120.948568|name:" + NAME
    assert (query["coord_type"], query["mode"], query["src"]) == ("bd09ll", mode, "hongyi")


def test_baidu_web_asks_for_the_html_page():
    assert parsed(LINKS["baidu"]["web"])[1]["output"] == "html"


@pytest.mark.parametrize("carrier,scheme,host,path,mode", [
    ("app", "qqmap", "map", "/routeplan", "bike"),
    ("web", "https", "apis.map.qq.com", "/uri/v1/routeplan", "walk"),
])
def test_tencent_gets_the_gcj02_pair_lat_first(carrier, scheme, host, path, mode):
    parts, query = parsed(LINKS["tencent"][carrier])
    assert (parts.scheme, parts.netloc, parts.path) == (scheme, host, path)
    assert query["tocoord"] == "30.526001,120.942000"
    assert query["to"] == NAME
    assert (query["type"], query["referer"]) == (mode, "hongyi")


def test_the_tencent_app_starts_from_the_riders_position():
    assert parsed(LINKS["tencent"]["app"])[1]["fromcoord"] == "CurrentLocation"


def test_no_link_carries_the_other_systems_coordinates():
    for app, system in (("amap", GCJ02), ("tencent", GCJ02), ("baidu", BD09)):
        other = BD09 if system is GCJ02 else GCJ02
        for url in LINKS[app].values():
            assert "%.6f" % other[0] not in url and "%.6f" % other[1] not in url


def test_a_separator_in_a_name_does_not_cut_its_field_short():
    links = navigation.links("驿站,东门|北", GCJ02, BD09)
    assert parsed(links["amap"]["web"])[1]["to"] == "120.942000,30.526001,驿站，东门|北"
    assert parsed(links["baidu"]["app"])[1]["destination"].endswith("|name:驿站,东门｜北")
