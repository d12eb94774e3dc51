package io.berth.cni;

import io.berth.common.error.InvalidArgumentException;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Traffic limits from the pod annotations kubernetes.io/ingress-bandwidth and
 * kubernetes.io/egress-bandwidth (Kubernetes resource quantities in bits per
 * second), as the "bandwidth" capability wants them. 0 means no limit.
 */
public record Bandwidth(long ingressRate, long egressRate) {

    public static final String INGRESS_ANNOTATION = "kubernetes.io/ingress-bandwidth";
    public static final String EGRESS_ANNOTATION = "kubernetes.io/egress-bandwidth";
    /** The bandwidth plugin wants a burst with every rate; a huge one means "rate only". */
    static final long UNLIMITED_BURST = Integer.MAX_VALUE;

    public boolean isEmpty() {
        return ingressRate == 0 && egressRate == 0;
    }

    /** Null when neither annotation is present. */
    public static Bandwidth fromAnnotations(Map<String, String> annotations) {
        String in = annotations.get(INGRESS_ANNOTATION);
        String out = annotations.get(EGRESS_ANNOTATION);
        if (in == null && out == null) {
            return null;
        }
        return new Bandwidth(in == null ? 0 : quantity(INGRESS_ANNOTATION, in),
                out == null ? 0 : quantity(EGRESS_ANNOTATION, out));
    }

    /** The runtimeConfig value: rates and bursts in bits, only for the directions limited. */
    public Map<String, Object> capabilityValue() {
        var m = new java.util.LinkedHashMap<String, Object>();
        if (ingressRate > 0) {
            m.put("ingressRate", ingressRate);
            m.put("ingressBurst", UNLIMITED_BURST);
        }
        if (egressRate > 0) {
            m.put("egressRate", egressRate);
            m.put("egressBurst", UNLIMITED_BURST);
        }
        return m;
    }

    /** Parses a Kubernetes quantity: decimal (m k M G T P E) or binary (Ki Mi Gi Ti Pi Ei) suffixes; rounds up. */
    static long quantity(String annotation, String value) {
        String v = value.strip();
        String[][] suffixes = {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"},
            {"Ti", "1099511627776"}, {"Pi", "1125899906842624"}, {"Ei", "1152921504606846976"},
            {"k", "1000"}, {"M", "1000000"}, {"G", "1000000000"}, {"T", "1000000000000"},
            {"P", "1000000000000000"}, {"E", "1000000000000000000"}, {"m", "0.001"}};
        BigDecimal factor = BigDecimal.ONE;
        for (String[] s : suffixes) {
            if (v.endsWith(s[0])) {
                factor = new BigDecimal(s[1]);
                v = v.substring(0, v.length() - s[0].length());
                break;
            }
        }
        try {
            BigDecimal bits = new BigDecimal(v).multiply(factor);
            if (bits.signum() <= 0) {
                throw new NumberFormatException("not positive");
            }
            return bits.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidArgumentException("annotation " + annotation + " is not a positive bandwidth: " + value);
        }
    }
}
