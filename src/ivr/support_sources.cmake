# Working calendar, ID numbers, Chinese wording, self-service data sources.
target_sources(hotline_ivr PRIVATE
  calendar_csv.cpp
  chinese_speech.cpp
  circuit_breaker.cpp
  http_json_source.cpp
  id_number.cpp
  speech_template.cpp
  working_calendar.cpp
)
