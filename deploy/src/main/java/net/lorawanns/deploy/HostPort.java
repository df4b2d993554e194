package net.lorawanns.deploy;

/** A validated {@code host:port} from the configuration ({@code [::1]:8070} for IPv6). */
record HostPort(String host, int port) {
    static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, Integer.parseInt(text.substring(colon + 1)));
    }
}
