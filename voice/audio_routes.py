"""Moved: the routes to voice.http.routes.audio and .speech, the recogniser to
voice.asr.runtime (one per app, on `app.state.recognizer`), `start_recognizer` to
voice.http.app. This shim goes when every importer is updated."""

from voice.http.app import start_recognizer as _start


class _StartedRecognizer:
    """The recogniser `start_recognizer` last started (`backpain serve` starts one)."""

    started = None

    def __getattr__(self, name):
        if self.started is None:
            raise AttributeError(f"no recogniser started yet ({name})")
        return getattr(self.started, name)


RECOGNIZER = _StartedRecognizer()


def start_recognizer(app):
    RECOGNIZER.started = app.state.recognizer
    return _start(app)


__all__ = ["RECOGNIZER", "start_recognizer"]
