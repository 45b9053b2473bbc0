"""Configuration: the settings (voice/config/settings.py, the one reader of the environment),
the parts handed to the speech engines and the voice, and the value parsers."""

from voice.config.parts import AsrSettings, TtsSettings
from voice.config.settings import (Settings, asr_from_env, default_cache_dir, default_data_dir, tts_from_env,
                                   variable)
from voice.config.table import markdown_table, write_table
from voice.config.values import ASR_CHOICES, ConfigError, parse_duration, parse_options, parse_rate

__all__ = ["ASR_CHOICES", "AsrSettings", "ConfigError", "Settings", "TtsSettings", "asr_from_env", "default_cache_dir",
           "default_data_dir", "markdown_table", "parse_duration", "parse_options", "parse_rate", "tts_from_env", "variable",
           "write_table"]
