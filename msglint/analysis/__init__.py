"""Running the compiled rules over messages: units, pipeline stages, the engine, the pyramid, the result cache."""
