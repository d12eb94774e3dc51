package io.berth.runtime.rpc;

import io.berth.common.error.InvalidArgumentException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * The pod CIDR(s) the kubelet last gave in UpdateRuntimeConfig; dual-stack
 * clusters send "v4/len,v6/len". Kept in memory: the kubelet repeats the call,
 * so a restarted berthd learns it again.
 */
public final class PodCidrs {

    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    private final AtomicReference<List<String>> current = new AtomicReference<>(List.of());

    public List<String> current() {
        return current.get();
    }

    /** Validates and records {@code cidrs}; an empty string clears them. */
    public void update(String cidrs) {
        List<String> parsed = cidrs.isBlank() ? List.of()
                : List.of(cidrs.split(",", -1)).stream().map(String::strip).toList();
        parsed.forEach(PodCidrs::check);
        current.set(parsed);
    }

    private static void check(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? "" : cidr.substring(0, slash);
        if (!LITERAL.matcher(address).matches()) {
            throw new InvalidArgumentException("pod CIDR \"" + cidr + "\" is not address/prefix-length");
        }
        InetAddress parsed;
        int length;
        try {
            // Only literals reach here, so this never does a DNS lookup.
            parsed = InetAddress.getByName(address);
            length = Integer.parseInt(cidr.substring(slash + 1));
        } catch (UnknownHostException | NumberFormatException e) {
            throw new InvalidArgumentException("pod CIDR \"" + cidr + "\" is not address/prefix-length");
        }
        int max = parsed.getAddress().length * 8;
        if (length < 0 || length > max) {
            throw new InvalidArgumentException("pod CIDR \"" + cidr + "\" has prefix length " + length
                    + ", beyond " + max);
        }
    }
}
