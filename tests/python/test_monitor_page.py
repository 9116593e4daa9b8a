"""The wire monitor (GET /) in headless Chromium, offline: headlines arrive
live, kills strike through, pause, search, filter, and the stream resumes
after the server restarts. A screenshot is kept in build/test-artifacts."""

from __future__ import annotations

import os
import pathlib
import re
import time

import pytest

import newswire
from conftest import NEWSWIRE_BIN, ServeProcess, serve_http

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ARTIFACTS = pathlib.Path(os.environ.get("NEWSWIRE_ARTIFACT_DIR",
                                        NEWSWIRE_BIN.parent / "test-artifacts"))


def start(data_dir: pathlib.Path, http: str = "127.0.0.1:0") -> tuple[ServeProcess, str]:
    return serve_http("--data", str(data_dir), http=http)


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", "--disable-sync",
                 "--disable-component-update", "--disable-default-apps",
                 "--window-size=1200,900",
                 # Nothing beyond this machine, whatever the page asked for.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The browser is not ours to instrument (make test-asan preloads the
    # sanitizer runtimes for this process).
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "ASAN_OPTIONS")}
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver", env=env), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def story(n: int, place: str = "Kyiv", **fields) -> newswire.Article:
    return newswire.Article(id=f"urn:monitor:{n}", version=fields.pop("version", 1),
                            headline=f"Headline {n} from {place}", dateline=place.upper(),
                            places=[place], urgency=fields.pop("urgency", 3),
                            body_text=f"Story {n} text.", **fields)


def rows(driver) -> list[dict]:
    return driver.execute_script("""
        return [...document.querySelectorAll('#wire > li')].map(li => ({
          id: li.dataset.id, kind: li.dataset.kind, text: li.innerText,
          strike: getComputedStyle(li.querySelector('.headline')).textDecorationLine}));""")


def wait_for(driver, predicate, timeout: float = 5.0, what: str = ""):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.02).until(lambda d: predicate(d))
    except TimeoutException:
        raise AssertionError(f"timed out waiting for {what}: {rows(driver)}") from None


def status(driver) -> str:
    return driver.find_element(By.ID, "status").text


def test_monitor_page_live(tmp_path, browser):
    data = tmp_path / "data"
    proc, host = start(data)
    try:
        with newswire.Client(proc.address) as client:
            client.publish(story(1))
            browser.get(f"http://{host}/")
            assert browser.title == "newswire · live wire"
            wait_for(browser, lambda d: status(d) == "live", what="live status")
            # The newest stored headline is there on load.
            wait_for(browser, lambda d: any(r["id"] == "urn:monitor:1" for r in rows(d)),
                     what="the stored headline")

            # A publish appears within a second, at the top, with its dateline,
            # source and urgency.
            client.publish(story(2, urgency=1, source=newswire.Source(name="Desk One")))
            started = time.monotonic()
            wait_for(browser, lambda d: rows(d)[0]["id"] == "urn:monitor:2", timeout=1.0,
                     what="the new headline within 1 s")
            print(f"headline shown {1000 * (time.monotonic() - started):.0f} ms after publish")
            top = rows(browser)[0]["text"]
            for part in ["U1", "Desk One", "KYIV —", "Headline 2 from Kyiv"]:
                assert part in top

            # A kill strikes the headline through, with the kill's reason.
            client.publish(story(2, version=2, pub_status="CANCELED",
                                 summary="Withdrawn: the wrong town"))
            wait_for(browser, lambda d: rows(d)[0]["kind"] == "killed", what="the kill")
            killed = rows(browser)[0]
            assert "line-through" in killed["strike"]
            assert "Withdrawn: the wrong town" in killed["text"]
            assert len([r for r in rows(browser) if r["id"] == "urn:monitor:2"]) == 1

            # An update is marked.
            client.publish(story(1, version=2))
            wait_for(browser, lambda d: any(r["kind"] == "updated" for r in rows(d)),
                     what="the update mark")
            assert "UPDATED v2" in next(r for r in rows(browser) if r["id"] == "urn:monitor:1")["text"]

            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(ARTIFACTS / "monitor.png"))

            # Paused, nothing moves; resumed, what came meanwhile is shown.
            browser.find_element(By.ID, "pause").click()
            client.publish(story(3))
            time.sleep(0.5)
            assert all(r["id"] != "urn:monitor:3" for r in rows(browser))
            assert "1 new while paused" in browser.find_element(By.ID, "notice").text
            browser.find_element(By.ID, "pause").click()
            wait_for(browser, lambda d: rows(d)[0]["id"] == "urn:monitor:3", what="resume")

            # The search box searches the archive.
            client.publish(story(4, place="Lviv"))
            box = browser.find_element(By.ID, "search")
            box.send_keys("Lviv\n")
            wait_for(browser, lambda d: d.find_element(By.ID, "results").is_displayed(),
                     what="search results")
            results = browser.find_elements(By.CSS_SELECTOR, "#results > li")
            assert [r.get_attribute("data-id") for r in results] == ["urn:monitor:4"]
            box.clear()
            box.send_keys("\n")
            wait_for(browser, lambda d: d.find_element(By.ID, "wire").is_displayed(),
                     what="back to the wire")

        # The server restarts on the same address: the page reconnects by
        # itself and resumes after the last event it saw, with no duplicate.
        proc.stop()
        wait_for(browser, lambda d: status(d) != "live", what="the page to notice")
        proc, _ = start(data, http=host)
        with newswire.Client(proc.address) as client:
            client.publish(story(5))
            wait_for(browser, lambda d: rows(d)[0]["id"] == "urn:monitor:5", timeout=10,
                     what="a headline after the restart")
            ids = [r["id"] for r in rows(browser)]
            assert len(ids) == len(set(ids))

            # The filter box narrows the list to what the filter matches.
            box = browser.find_element(By.ID, "filter")
            box.send_keys("place=Lviv\n")
            wait_for(browser, lambda d: [r["id"] for r in rows(d)] == ["urn:monitor:4"],
                     what="the filtered list")
            client.publish(story(6, place="Kyiv"))
            client.publish(story(7, place="Lviv"))
            wait_for(browser, lambda d: rows(d)[0]["id"] == "urn:monitor:7", what="live, filtered")
            assert all(r["id"] != "urn:monitor:6" for r in rows(browser))

            browser.save_screenshot(str(ARTIFACTS / "monitor-filtered.png"))
    finally:
        proc.stop()
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"
              # The restart is meant to break the stream for a moment.
              and "/v1/stream" not in entry["message"]]
    assert errors == []


def test_monitor_page_headers_and_no_external_resources(tmp_path):
    import http.client
    proc, host = start(tmp_path / "data")
    try:
        connection = http.client.HTTPConnection(host, timeout=10)
        connection.request("GET", "/")
        response = connection.getresponse()
        page = response.read().decode()
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/html; charset=utf-8"
        assert "default-src 'none'" in response.getheader("Content-Security-Policy")
        # Everything is inline: no script, style or image from anywhere.
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
        etag = response.getheader("ETag")
        connection.request("GET", "/", headers={"If-None-Match": etag})
        again = connection.getresponse()
        again.read()
        assert again.status == 304
    finally:
        proc.stop()
