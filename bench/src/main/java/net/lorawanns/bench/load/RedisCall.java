package net.lorawanns.bench.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One command to a Redis on the loopback interface, over RESP on a plain socket of its own, for the generator's reads
 * of Redis's state beside the load (not on the measured path). Its reply comes flattened: a string, an integer or an
 * array's elements in order, nested arrays included; an error reply is an {@link IOException}.
 */
final class RedisCall {
    private RedisCall() {
    }

    static List<String> call(int port, String... args) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg)
                        .append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            List<String> reply = new ArrayList<>();
            read(new BufferedInputStream(socket.getInputStream()), reply);
            return reply;
        }
    }

    private static void read(InputStream in, List<String> into) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+', ':' -> into.add(line);
            case '-' -> throw new IOException("Redis answered " + line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    into.add(null);
                    return;
                }
                byte[] body = in.readNBytes(length + 2);
                into.add(new String(body, 0, length, StandardCharsets.UTF_8));
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                for (int i = 0; i < count; i++) {
                    read(in, into);
                }
            }
            default -> throw new IOException("not a RESP2 reply: " + (char) type + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) {
                throw new IOException("Redis closed the connection mid-reply");
            }
            line.append((char) c);
        }
        in.read();
        return line.toString();
    }
}
