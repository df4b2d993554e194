package net.lorawanns.joinclient.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Name;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * An authoritative DNS server on loopback UDP speaking the DNS wire protocol (dnsjava builds and reads the
 * messages): it answers from the records given to it, NXDOMAIN for names it has none for, and records every
 * question so tests can assert the names asked.
 */
public final class TestDnsServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final List<Record> records = new CopyOnWriteArrayList<>();
    private final List<String> questions = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean failing;

    public TestDnsServer() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "test-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public String hostPort() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    public void add(Record record) {
        records.add(record);
    }

    /** An A record (TTL 300 s) of a host, e.g. of a private zone the system's resolver does not know. */
    public void address(String host, String ipv4) throws IOException {
        records.add(new ARecord(Name.fromString(host.endsWith(".") ? host : host + "."), DClass.IN, 300,
                InetAddress.getByName(ipv4)));
    }

    /** From now on every query gets SERVFAIL. */
    public void fail() {
        failing = true;
    }

    /** Questions asked so far, as {@code name TYPE}, names lower-case without the final dot. */
    public List<String> questions() {
        return List.copyOf(questions);
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                byte[] answer = answer(query).toWire();
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private Message answer(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.getHeader().setOpcode(Opcode.QUERY);
        Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        String name = question.getName().toString(true).toLowerCase(Locale.ROOT);
        questions.add(name + " " + Type.string(question.getType()));
        if (failing) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        List<Record> forName = new ArrayList<>();
        for (Record record : records) {
            if (record.getName().equals(question.getName())) {
                forName.add(record);
            }
        }
        if (forName.isEmpty()) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response;
        }
        forName.stream().filter(r -> r.getType() == question.getType())
                .forEach(r -> response.addRecord(r, Section.ANSWER));
        return response;
    }

    @Override
    public void close() {
        socket.close();
    }
}
