"""The skill's page (GET /) and /docs in a real browser: Debian's chromium driven by Selenium
through chromium-driver, against a real `backpain serve` (PocketSphinx, espeak-ng).

The voice test feeds Chromium's fake microphone from a WAV made of fixture recordings, each
in its own slot of silence. The fake device plays that file in a loop from the moment the
page opens the microphone (the page keeps it open between questions), so the test knows
which recording is playing when: it holds the button over the slot of the answer it wants
to give. Screenshots of each state go to `<the test's tmp_path>/screens/`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

from asr_support import FIXTURES
from benchmarks.server import ServeProcess, clean_env
from voice.audio.wav import encode_wav, read_wav_file

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# as root, in a container: no sandbox, no GPU, nothing fetched behind the page's back
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    "--autoplay-policy=no-user-gesture-required",
]

OPENING_FEVER = "opening/i-have-a-fever-and-chills__flite-rms.wav"
WEEKS_20 = "weeks/twenty-weeks__flite-rms.wav"
NO = "yesno/no__pyttsx3-en-us+f2.wav"
PAD = 0.8  # seconds of silence before and after each recording in the fake microphone's file


def _browser_available() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (p and os.access(p, os.X_OK))]
    if missing:
        message = f"not installed: {', '.join(missing)} (make test installs chromium and chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


# --- the service and the browser ----------------------------------------------------------


def _serve(tmp: Path, **settings) -> ServeProcess:
    env = clean_env(HOME=str(tmp), BACKPAIN_DATA_DIR=str(tmp / "data"), BACKPAIN_SESSION_STORE="memory",
                    BACKPAIN_ASR="pocketsphinx", BACKPAIN_RATE_LIMIT="off", **settings)
    return ServeProcess(tmp, env, ["--log-level", "warning"], name="page")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _browser_available()
    with _serve(tmp_path_factory.mktemp("page-server")) as s:
        yield s.wait_ready()


class Page:
    """One Chromium tab on the skill's page, with what a person sees and does."""

    def __init__(self, driver, base: str, shots: Path):
        self.driver, self.base, self.shots = driver, base, shots
        self.shot_no = 0

    # -- looking
    def el(self, element_id: str):
        return self.driver.find_element(By.ID, element_id)

    def text(self, element_id: str) -> str:
        return self.el(element_id).text.strip()

    def visible(self, element_id: str) -> bool:
        return self.el(element_id).is_displayed()

    def log(self, who: str) -> list[str]:
        """The conversation so far as shown: "skill", "you" (typed) or "heard" (spoken) turns."""
        return self.driver.execute_script(
            "return [...document.querySelectorAll('#log li.log-' + arguments[0])].map(e => e.textContent)", who)

    def skill_turns(self) -> list[str]:
        return self.log("skill")

    def session_id(self) -> str | None:
        return self.driver.execute_script("return sessionStorage.getItem('backpain.session')")

    def wait(self, condition, timeout: float = 30, what: str = "the page"):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(lambda d: condition())
        except TimeoutException:
            self.shot("timeout")
            raise AssertionError(f"timed out waiting for {what}; page says: {self.text('main')[:600]!r}")

    def shot(self, name: str) -> Path:
        self.shot_no += 1
        path = self.shots / f"{self.shot_no:02d}-{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    # -- doing
    def open(self, path: str = "/") -> "Page":
        self.driver.get(self.base + path)
        if path == "/":
            self.wait(lambda: self.skill_turns() and self.session_id(), what="the greeting")
        return self

    def type_answer(self, text: str) -> None:
        before = len(self.skill_turns())
        box = self.el("answer")
        box.clear()
        box.send_keys(text, Keys.ENTER)
        self.wait(lambda: len(self.skill_turns()) > before, what=f"the reply to {text!r}")

    def press(self, element_id: str) -> None:
        before = len(self.skill_turns())
        self.el(element_id).click()
        self.wait(lambda: len(self.skill_turns()) > before, what=f"the reply to {element_id}")

    def axe_problems(self) -> list[str]:
        from axe_selenium_python import Axe

        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                for v in results["violations"] if v["impact"] in ("serious", "critical")]

    def requests(self) -> list[str]:
        """Every URL the page asked for (the browser's own performance log)."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def console_errors(self) -> list[str]:
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.fixture()
def browser(tmp_path, server):
    """browser(mic=WAV | None, fake_device=bool, base=url) -> a Page in a fresh Chromium."""
    drivers = []
    shots = tmp_path / "screens"
    shots.mkdir()

    def make(mic: Path | None = None, fake_device: bool | None = None, base: str | None = None,
             size=(1000, 1100)) -> Page:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path, prefix='chromium-')}")
        options.add_argument(f"--window-size={size[0]},{size[1]}")
        if mic is not None:
            options.add_argument("--use-fake-ui-for-media-stream")
            options.add_argument(f"--use-file-for-fake-audio-capture={mic}")
        if mic is not None or fake_device:
            options.add_argument("--use-fake-device-for-media-stream")
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        drivers.append(driver)
        driver.set_script_timeout(60)
        return Page(driver, base or server.url, shots)

    yield make
    for driver in drivers:
        driver.quit()


def off_service(urls: list[str], base: str) -> list[str]:
    """The URLs that went anywhere but the service (browser-internal schemes aside)."""
    return [u for u in urls
            if not u.startswith((base + "/", "data:", "blob:", "about:", "chrome:", "chrome-untrusted:", "devtools:"))]


def latest(server, page: Page) -> dict:
    return httpx.get(f"{server.url}/v1/sessions/{page.session_id()}", timeout=10).json()


def answer_for(reply: dict, yes: set[str] = frozenset()) -> str:
    if reply["expecting"] == "free_text":
        return "my back hurts and I have a fever"
    if reply["expecting"] == "weeks":
        return "20 weeks"
    return "yes" if set(reply["asking"]) & yes else "no"


# --- the fake microphone -------------------------------------------------------------------


def mic_file(path: Path, recordings: list[tuple[str, str]]) -> tuple[list[tuple[str, float, float]], float]:
    """Writes a 16 kHz WAV: each fixture recording with PAD seconds of silence either side.
    Returns the slots (label, start, end) in seconds, and the file's length."""
    silence = np.zeros(int(16000 * PAD), dtype="<i2")
    parts, slots, at = [], [], 0.0
    for label, fixture in recordings:
        speech = np.frombuffer(read_wav_file(FIXTURES / fixture), dtype="<i2")
        part = np.concatenate([silence, speech, silence])
        slots.append((label, at, at + len(part) / 16000))
        parts.append(part)
        at += len(part) / 16000
    path.write_bytes(encode_wav(np.concatenate(parts).tobytes()))
    return slots, at


class Speaker:
    """Speaks into the page through the fake microphone: holds the talk button (or the space
    bar, or taps it twice) over the slot of the file that holds the answer."""

    def __init__(self, page: Page, slots, length: float):
        self.page, self.slots, self.length = page, slots, length
        self.t0: float | None = None  # when the fake microphone's file started playing
        self.levels: list[float] = []

    def _down(self, how: str) -> None:
        talk = self.page.el("talk")
        if how == "mouse":
            ActionChains(self.page.driver).click_and_hold(talk).perform()
        elif how == "space":
            ActionChains(self.page.driver).key_down(Keys.SPACE).perform()
        else:
            talk.click()

    def _up(self, how: str) -> None:
        if how == "mouse":
            ActionChains(self.page.driver).release().perform()
        elif how == "space":
            ActionChains(self.page.driver).key_up(Keys.SPACE).perform()
        else:
            self.page.el("talk").click()

    def say(self, label: str, how: str = "mouse", shot: str | None = None) -> None:
        page = self.page
        before = len(page.skill_turns())
        if self.t0 is None:  # the first press opens the microphone: the file starts at slot 0
            assert self.slots[0][0] == label, "the first answer must be the file's first recording"
            self._down(how)
            page.wait(lambda: page.text("status") == "Listening…", 10, "the microphone to open")
            self.t0 = time.monotonic() - 0.05
            end = self.slots[0][2]
        else:  # the next time a slot with this answer comes round (times unwrapped: t0 + seconds)
            now = time.monotonic() - self.t0
            loop = (now // self.length) * self.length
            start, end = min((loop + s + (self.length if loop + s < now + 0.3 else 0),
                              loop + e + (self.length if loop + s < now + 0.3 else 0))
                             for lab, s, e in self.slots if lab == label)
            time.sleep(max(0.0, self.t0 + start + 0.1 - time.monotonic()))
            self._down(how)
        if shot:
            page.wait(lambda: page.text("status") == "Listening…", 5, "the page to listen")
            page.shot(shot)
        while time.monotonic() < self.t0 + end - 0.15:  # the level meter, while the answer plays
            self.levels.append(page.driver.execute_script("return document.getElementById('level').value"))
            time.sleep(max(0.0, min(0.1, self.t0 + end - 0.15 - time.monotonic())))
        assert page.el("talk").get_attribute("aria-pressed") == "true", "the page stopped listening too early"
        self._up(how)
        page.wait(lambda: len(page.skill_turns()) > before, 60, f"the reply to the spoken {label!r}")


# --- the tests -----------------------------------------------------------------------------


def test_a_spoken_conversation_by_push_to_talk(browser, server, tmp_path):
    """Hold the button (mouse), hold the space bar, tap to start and tap to stop: a whole
    check spoken answer by answer, to the advice, with what was heard under each turn."""
    slots, length = mic_file(tmp_path / "mic.wav", [("opening", OPENING_FEVER), ("weeks", WEEKS_20)]
                             + [("no", NO)] * 6)
    page = browser(mic=tmp_path / "mic.wav").open()
    page.shot("greeting")
    speaker = Speaker(page, slots, length)
    ways = iter(["mouse", "space", "tap"])
    heard = []
    for _ in range(30):
        reply = latest(server, page)
        if reply["done"]:
            break
        label = {"free_text": "opening", "weeks": "weeks"}.get(reply["expecting"], "no")
        speaker.say(label, how=next(ways, "mouse"), shot="listening" if not heard else None)
        reply = latest(server, page)
        assert "transcript" not in reply  # what was heard is in the /audio reply only, never stored
        # what was heard (from the /audio reply), under the turn and above the next question
        shown = page.text("heard")
        transcript = shown[len("I heard: “"):-1] if shown.startswith("I heard: “") else ""
        assert shown == (f"I heard: “{transcript}”" if transcript else "I didn't catch that.")
        heard.append(transcript)
        assert page.log("heard")[-1].endswith(
            f"I heard: “{transcript}”" if transcript else "I didn't catch anything.")
        if len(heard) == 1:
            page.shot("heard-first-answer")
            assert max(speaker.levels) > 0.4 and min(speaker.levels) < 0.2, speaker.levels  # the meter moves
            assert reply["slots"]["fever"] == "yes", heard
        if not reply["done"]:
            assert page.text("say") == reply["say"]
    else:
        raise AssertionError(f"no advice after 30 spoken turns; heard {heard}")
    assert heard[0] == "i have a fever and chills"
    assert "20 weeks" in heard or "twenty weeks" in heard, heard
    assert reply["triage"]["urgency"] == "urgent"
    page.shot("advice")
    assert page.visible("advice") and "advice-urgent" in page.el("advice").get_attribute("class")
    assert page.text("advice-title").startswith("Urgent")
    assert page.text("advice-action").startswith("Call your maternity unit")
    assert page.el("advice-call").get_attribute("href") == "tel:911"
    assert page.visible("advice-call")
    assert not off_service(page.requests(), server.url)


def test_a_typed_conversation_by_keyboard_alone(browser, server):
    """Tab to the box, type every answer, Enter; the advice card; "repeat" and "start over"
    from the keyboard. The live region says each reply."""
    page = browser().open()
    actions = ActionChains(page.driver)
    for _ in range(12):  # Tab until the text box has the focus (no mouse)
        if page.driver.switch_to.active_element.get_attribute("id") == "answer":
            break
        actions.send_keys(Keys.TAB).perform()
    else:
        raise AssertionError("the text box cannot be reached with Tab")
    for _ in range(30):
        reply = latest(server, page)
        if reply["done"]:
            break
        before = len(page.skill_turns())
        page.driver.switch_to.active_element.send_keys(answer_for(reply), Keys.ENTER)
        page.wait(lambda: len(page.skill_turns()) > before, what="the reply")
        reply = latest(server, page)
        assert page.el("answer").get_attribute("value") == ""  # ready for the next answer
        assert page.driver.switch_to.active_element.get_attribute("id") == "answer"  # focus stays
        page.wait(lambda: page.text("announce") == reply["say"], 5, "the live region")
        if not reply["done"]:
            assert page.text("say") == reply["say"]
            assert not page.visible("advice") and not page.visible("heard")
    else:
        raise AssertionError("no advice after 30 typed turns")
    assert page.log("you")[:2] == ["You typed: my back hurts and I have a fever", "You typed: no"]
    assert reply["triage"]["urgency"] == "urgent"
    page.shot("advice")
    assert "advice-urgent" in page.el("advice").get_attribute("class")
    assert page.text("advice-action").startswith("Call your maternity unit")
    assert page.el("advice-call").get_attribute("href") == "tel:911"
    assert "You told me about a fever or chills." in page.text("advice-text")

    # keyboard only: Tab to "Repeat", Enter
    page.driver.execute_script("document.getElementById('answer').focus()")
    for _ in range(20):
        if page.driver.switch_to.active_element.text == "Repeat":
            break
        ActionChains(page.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    else:
        raise AssertionError("the Repeat button cannot be reached with the keyboard")
    focused = page.driver.switch_to.active_element
    outline = page.driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", focused)
    assert outline not in ("", "none"), "the focused button shows no focus outline"
    page.shot("repeat-focused")
    before = len(page.skill_turns())
    focused.send_keys(Keys.ENTER)
    page.wait(lambda: len(page.skill_turns()) > before, what="the repeated advice")
    assert page.log("you")[-1] == "You typed: repeat" and page.visible("advice")
    before = len(page.skill_turns())
    page.driver.find_element(By.CSS_SELECTOR, "[data-say='start over']").send_keys(Keys.ENTER)
    page.wait(lambda: len(page.skill_turns()) > before, what="a new check")
    assert not page.visible("advice")
    assert latest(server, page)["expecting"] == "free_text"
    page.shot("started-over")
    assert not off_service(page.requests(), server.url)
    assert page.console_errors() == []


def test_an_emergency_in_the_first_sentence_gets_the_call_button(browser, server):
    page = browser().open()
    page.type_answer("I'm soaking a pad every hour")
    page.shot("emergency")
    assert "advice-emergency" in page.el("advice").get_attribute("class")
    assert page.text("advice-title") == "Emergency"
    assert page.text("advice-action").startswith("Call 911 now")
    call = page.el("advice-call")
    assert call.is_displayed() and call.get_attribute("href") == "tel:911" and call.text == "Call 911"
    colour = page.driver.execute_script(
        "return getComputedStyle(document.getElementById('advice-title')).backgroundColor")
    assert colour == "rgb(165, 0, 24)"  # the emergency red band
    assert page.axe_problems() == []


def test_self_care_advice_has_no_call_button(browser, server):
    page = browser().open()
    for _ in range(30):
        reply = latest(server, page)
        if reply["done"]:
            break
        page.type_answer("my lower back aches after work" if reply["expecting"] == "free_text"
                         else "28 weeks" if reply["expecting"] == "weeks" else "no")
    assert reply["triage"]["urgency"] == "self_care"
    assert "advice-self_care" in page.el("advice").get_attribute("class")
    assert not page.visible("advice-call")
    page.shot("self-care")


@pytest.mark.parametrize("case", ["refused", "missing"])
def test_microphone_refused_or_missing_says_so(browser, server, case):
    page = browser(fake_device=case == "refused").open()
    if case == "refused":
        page.driver.execute_cdp_cmd("Browser.setPermission", {
            "permission": {"name": "microphone"}, "setting": "denied", "origin": server.url})
    page.el("talk").click()
    page.wait(lambda: page.visible("problem"), 10, "the microphone message")
    page.shot(f"microphone-{case}")
    message = page.text("problem-text")
    if case == "refused":
        assert message.startswith("The microphone is blocked for this page.")
    else:
        assert message.startswith("No microphone was found.")
    assert "type your answer" in message
    assert page.el("problem").get_attribute("role") == "alert"
    assert page.driver.switch_to.active_element.get_attribute("id") == "answer"  # straight to typing
    assert page.text("talk-label") == "Hold to talk"
    page.type_answer("my back hurts")  # typing still works
    assert page.text("say") == latest(server, page)["say"]


def test_a_network_error_mid_turn_loses_nothing(browser, server):
    page = browser().open()
    page.type_answer("my back hurts and I have a fever")
    question = latest(server, page)
    page.driver.execute_cdp_cmd("Network.enable", {})
    page.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/v1/sessions/*/text"]})
    box = page.el("answer")
    box.send_keys("no", Keys.ENTER)
    page.wait(lambda: page.visible("problem"), 10, "the network message")
    page.shot("network-error")
    assert page.text("problem-text").startswith("Could not reach the back pain check service. Nothing is lost")
    assert page.visible("retry")
    assert box.get_attribute("value") == "no"  # the answer is still there
    assert page.text("say") == question["say"]  # the question too
    assert latest(server, page) == question  # and the service never got it
    assert page.axe_problems() == []
    page.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    before = len(page.skill_turns())
    page.el("retry").click()
    page.wait(lambda: len(page.skill_turns()) > before, what="the reply after Try again")
    reply = latest(server, page)
    assert reply["slots"]["vaginal_bleeding"] == "no" and reply["say"] != question["say"]
    assert not page.visible("problem") and box.get_attribute("value") == ""
    assert page.log("you") == ["You typed: my back hurts and I have a fever", "You typed: no"]
    page.shot("after-retry")


def test_the_service_stopping_mid_check_is_explained(browser, tmp_path):
    """The service itself goes away (not just one request): the page says so, keeps the
    answer, and carries on once the service is back (SQLite keeps the session)."""
    own = ServeProcess(tmp_path, clean_env(HOME=str(tmp_path), BACKPAIN_DATA_DIR=str(tmp_path / "data"),
                                           BACKPAIN_ASR_WORKERS="0", BACKPAIN_RATE_LIMIT="off"),
                       ["--log-level", "warning"], name="stopping")
    own.start()
    try:
        page = browser(base=own.url).open()
        page.type_answer("my back hurts")
        own.stop()
        page.el("answer").send_keys("no", Keys.ENTER)
        page.wait(lambda: page.visible("problem"), 15, "the message")
        page.shot("service-stopped")
        assert "Could not reach the back pain check service" in page.text("problem-text")
        assert page.el("answer").get_attribute("value") == "no"
    finally:
        own.stop()


def test_a_reload_keeps_the_session(browser, server):
    page = browser().open()
    page.type_answer("my back hurts")
    page.type_answer("no")
    session, question, log = page.session_id(), page.text("say"), page.log("you")
    page.driver.refresh()
    page.wait(lambda: page.text("say") == question, 15, "the question after the reload")
    page.shot("after-reload")
    assert page.session_id() == session
    assert page.log("you") == log == ["You typed: my back hurts", "You typed: no"]
    page.type_answer("no")  # and it carries on where it was
    assert latest(server, page)["slots"]["saddle_numbness"] == "no"
    # a session the service no longer has: a new check, no error
    page.driver.execute_script("sessionStorage.setItem('backpain.session', 'gone-gone-gone')")
    page.driver.refresh()
    page.wait(lambda: page.session_id() not in (None, "gone-gone-gone"), 15, "a new session")
    assert page.text("say").startswith("If this is an emergency") and not page.visible("problem")
    assert page.log("you") == []


def test_only_the_service_is_contacted_and_the_csp_says_so(browser, server):
    head = httpx.get(server.url + "/", timeout=10)
    assert head.status_code == 200 and head.headers["content-type"].startswith("text/html")
    csp = dict(part.strip().split(" ", 1) for part in head.headers["content-security-policy"].split(";"))
    assert csp["default-src"] == "'self'" and csp["script-src"] == "'self'" and csp["connect-src"] == "'self'"
    assert "unsafe" not in head.headers["content-security-policy"]
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert "<script>" not in head.text and " style=" not in head.text  # nothing inline for the CSP to allow
    page = browser().open()
    page.type_answer("my back hurts")
    page.el("hear-again").click()
    time.sleep(1)
    urls = page.requests()
    assert not off_service(urls, server.url)
    assert {server.url + p for p in ("/", "/page/app.js", "/page/style.css", "/page/config.json")} <= set(urls)
    assert any(u.endswith("/speech") for u in urls)  # each reply is spoken
    assert page.console_errors() == []  # no CSP violation or script error


def test_no_serious_accessibility_problems_desktop_and_320px(browser, server):
    page = browser().open()
    assert page.axe_problems() == []
    page.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": True})
    page.driver.refresh()
    page.wait(lambda: page.skill_turns(), what="the page at 320 px")
    page.shot("width-320")
    assert page.axe_problems() == []
    fits = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert page.driver.execute_script(fits), "the page scrolls sideways at 320 px"
    # text at twice the size still fits
    page.driver.execute_script("document.documentElement.style.fontSize = '200%'")
    page.shot("width-320-text-200")
    assert page.driver.execute_script(fits), "the page scrolls sideways at 320 px with text at 200%"
    talk = page.el("talk").rect
    assert talk["width"] >= 240 and talk["height"] >= 100  # the button stays big


def test_the_api_token_is_asked_for(browser, tmp_path):
    with _serve(tmp_path, BACKPAIN_API_TOKEN="s3cret-token", BACKPAIN_ASR_WORKERS="0") as own:
        page = browser(base=own.url)
        page.driver.get(own.url + "/")
        page.wait(lambda: page.visible("token-form"), 10, "the token form")
        page.shot("token-asked")
        assert page.axe_problems() == []
        page.el("token").send_keys("wrong", Keys.ENTER)
        page.wait(lambda: "did not accept" in page.text("token-help"), 10, "the refusal")
        page.el("token").send_keys("s3cret-token", Keys.ENTER)
        page.wait(lambda: page.skill_turns(), 10, "the greeting")
        assert not page.visible("token-form")
        page.type_answer("my back hurts")
        assert page.log("you") == ["You typed: my back hurts"]


def test_docs_render_offline(browser, server):
    page = browser().open("/docs")
    page.wait(lambda: len(page.driver.find_elements(By.CSS_SELECTOR, ".opblock")) >= 6, 30, "Swagger UI")
    page.shot("docs")
    body = page.text("swagger-ui")
    assert "/v1/sessions/{session_id}/audio" in body and "/v1/sessions/{session_id}/speech" in body
    assert not off_service(page.requests(), server.url)
    assert page.console_errors() == []
    docs = httpx.get(server.url + "/docs", timeout=10)
    assert "default-src 'self'" in docs.headers["content-security-policy"]
    assert "cdn" not in docs.text
    assert httpx.get(server.url + "/redoc", timeout=10).status_code == 404  # ReDoc would call its CDN


def test_page_files_and_errors_are_plain(server):
    """Unknown files are a JSON 404, never a 500 or a file outside voice/web."""
    for path in ("/page/../app.py", "/page/%2e%2e%2fapp.py", "/page/index.html", "/docs/assets/../../x", "/page/x.js"):
        r = httpx.get(server.url + path, timeout=10)
        assert r.status_code == 404, path
        if r.headers.get("content-type", "").startswith("application/json"):
            assert r.json()["error"]["code"] == "not_found"
    config = httpx.get(server.url + "/page/config.json", timeout=10).json()
    assert config["emergency_number"] == "911" and config["token_required"] is False
    assert config["actions"]["emergency"].startswith("Call 911 now")
