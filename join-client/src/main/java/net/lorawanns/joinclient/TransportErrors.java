package net.lorawanns.joinclient;

import java.net.ConnectException;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** Turns TLS and HTTP failures into words an operator can act on. */
final class TransportErrors {
    private TransportErrors() {
    }

    static String describe(Throwable failure, URI server, Duration timeout) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "the server's TLS certificate has expired (" + t.getMessage() + ")";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "the server's TLS certificate is not valid yet (" + t.getMessage() + ")";
            }
            if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return "no answer within " + timeout.toMillis() + " ms";
            }
            if (t instanceof ConnectException) {
                return "cannot connect: " + t.getMessage();
            }
            all.append(' ').append(t.getMessage());
        }
        String text = all.toString().toLowerCase(Locale.ROOT);
        if (text.contains("no subject alternative") || text.contains("no name matching")
                || text.contains("hostname")) {
            return "the server's TLS certificate does not match host name " + server.getHost();
        }
        if (text.contains("pkix path") || text.contains("unable to find valid certification path")
                || text.contains("signature check failed")) {
            return "the server's TLS certificate is not trusted (issued by an unknown CA; set ca_cert)";
        }
        if (text.contains("bad_certificate") || text.contains("certificate_required") || text.contains("unknown_ca")
                || text.contains("certificate_unknown") || text.contains("access_denied")) {
            return "the server refused our client certificate (" + text.trim() + ")";
        }
        if (failure instanceof ClosedChannelException || text.contains("connection was closed")
                || text.contains("connection reset")) {
            return "the server closed the connection (often: it refused our client certificate)";
        }
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
