"""What the routes are given (FastAPI `Depends`): each read from `app.state`, where
voice/http/app.py puts it, so no route reaches a module global.

The providers are `async def`: resolved on the event loop, they never wait for a thread
(an async route such as POST .../audio stays off FastAPI's thread pool until it needs it).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from voice.asr.runtime import Recognizer
from voice.audio.speech_cache import SpeechCache
from voice.config import Settings
from voice.http.audio_gate import AudioGate
from voice.service import SkillService


async def get_service(request: Request) -> SkillService:
    return request.app.state.service


async def get_settings(request: Request) -> Settings:
    return request.app.state.service.settings


async def get_recognizer(request: Request) -> Recognizer:
    return request.app.state.recognizer


async def get_audio_gate(request: Request) -> AudioGate:
    return request.app.state.audio_gate


async def get_speech_cache(request: Request) -> SpeechCache:
    return request.app.state.speech_cache


async def get_readiness(request: Request) -> list:
    """The /readyz checks: callables that return True when ready (the store's ping; the
    recogniser's, once `backpain serve` starts loading it)."""
    return request.app.state.readiness


ServiceDep = Annotated[SkillService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RecognizerDep = Annotated[Recognizer, Depends(get_recognizer)]
AudioGateDep = Annotated[AudioGate, Depends(get_audio_gate)]
SpeechCacheDep = Annotated[SpeechCache, Depends(get_speech_cache)]
ReadinessDep = Annotated[list, Depends(get_readiness)]
