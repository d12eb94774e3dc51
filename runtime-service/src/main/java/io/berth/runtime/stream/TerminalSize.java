package io.berth.runtime.stream;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One message of the resize stream. The field names are the JSON the Go
 * clients send (client-go remotecommand TerminalSize: {"Width":..,"Height":..}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TerminalSize(@JsonProperty("Width") int width, @JsonProperty("Height") int height) {
}
