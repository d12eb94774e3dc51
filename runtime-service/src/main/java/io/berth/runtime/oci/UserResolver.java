package io.berth.runtime.oci;

import io.berth.common.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves user and group names against the image's own /etc/passwd and
 * /etc/group. Paths are resolved inside the rootfs by hand: a symlinked
 * /etc/passwd in a hostile image must not make berthd read a host file.
 */
public final class UserResolver {

    /** A resolved identity as runc wants it. */
    public record User(long uid, long gid, List<Long> additionalGids, String name) {
    }

    private record PasswdEntry(String name, long uid, long gid) {
    }

    private final List<PasswdEntry> passwd;
    private final List<String[]> groups;

    private UserResolver(List<PasswdEntry> passwd, List<String[]> groups) {
        this.passwd = passwd;
        this.groups = groups;
    }

    public static UserResolver forRootfs(Path rootfs) {
        return new UserResolver(parsePasswd(readInside(rootfs, "etc/passwd")),
                parseGroup(readInside(rootfs, "etc/group")));
    }

    static UserResolver of(String passwd, String group) {
        return new UserResolver(parsePasswd(passwd), parseGroup(group));
    }

    /**
     * @param user       "name", "uid", "name:group", "uid:gid" (the image's User syntax)
     * @param groupOverride run_as_group, when set, beats the group the user spec names
     * @param extraGroups   supplemental groups requested by the pod
     * @param mergeImageGroups true for the Merge policy (the default): the groups /etc/group lists the user in
     */
    public User resolve(String user, Long groupOverride, List<Long> extraGroups, boolean mergeImageGroups) {
        String spec = user == null || user.isEmpty() ? "0" : user;
        String userPart = spec;
        String groupPart = null;
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            userPart = spec.substring(0, colon);
            groupPart = spec.substring(colon + 1);
        }
        PasswdEntry entry = lookupUser(userPart);
        long gid = entry.gid();
        if (groupPart != null && !groupPart.isEmpty()) {
            gid = lookupGroup(groupPart);
        }
        if (groupOverride != null) {
            gid = groupOverride;
        }
        Set<Long> add = new LinkedHashSet<>();
        if (mergeImageGroups && entry.name() != null) {
            for (String[] g : groups) {
                if (g.length >= 4 && List.of(g[3].split(",")).contains(entry.name())) {
                    parseId(g[2]).ifPresent(add::add);
                }
            }
        }
        add.addAll(extraGroups);
        add.remove(gid);
        return new User(entry.uid(), gid, List.copyOf(add), entry.name() == null ? "" : entry.name());
    }

    private PasswdEntry lookupUser(String u) {
        Optional<Long> numeric = parseId(u);
        for (PasswdEntry e : passwd) {
            if (numeric.isPresent() ? e.uid() == numeric.get() : e.name().equals(u)) {
                return e;
            }
        }
        if (numeric.isPresent()) {
            // A uid the image does not list still runs, with gid 0 as runc does.
            return new PasswdEntry(null, numeric.get(), 0);
        }
        throw new InvalidArgumentException("user \"" + u + "\" is not in the image's /etc/passwd");
    }

    private long lookupGroup(String g) {
        Optional<Long> numeric = parseId(g);
        if (numeric.isPresent()) {
            return numeric.get();
        }
        for (String[] e : groups) {
            if (e.length >= 3 && e[0].equals(g)) {
                return parseId(e[2]).orElseThrow(() ->
                        new InvalidArgumentException("group \"" + g + "\" has a bad gid in the image's /etc/group"));
            }
        }
        throw new InvalidArgumentException("group \"" + g + "\" is not in the image's /etc/group");
    }

    static Optional<Long> parseId(String s) {
        if (s == null || s.isEmpty() || !s.chars().allMatch(Character::isDigit) || s.length() > 10) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(s));
    }

    private static List<PasswdEntry> parsePasswd(String text) {
        List<PasswdEntry> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && !line.startsWith("#")) {
                Optional<Long> uid = parseId(f[2]);
                Optional<Long> gid = parseId(f[3]);
                if (uid.isPresent() && gid.isPresent()) {
                    out.add(new PasswdEntry(f[0], uid.get(), gid.get()));
                }
            }
        }
        return out;
    }

    private static List<String[]> parseGroup(String text) {
        List<String[]> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.add(line.split(":", -1));
            }
        }
        return out;
    }

    /** Reads rootfs/rel following symlinks only within the rootfs; missing → "". */
    static String readInside(Path rootfs, String rel) {
        Path root = rootfs.toAbsolutePath().normalize();
        Path current = root;
        List<String> todo = new ArrayList<>(List.of(rel.split("/")));
        int hops = 0;
        try {
            while (!todo.isEmpty()) {
                String part = todo.removeFirst();
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    current = current.equals(root) ? root : current.getParent();
                    continue;
                }
                Path next = current.resolve(part);
                if (Files.isSymbolicLink(next)) {
                    if (++hops > 40) {
                        return "";
                    }
                    String target = Files.readSymbolicLink(next).toString();
                    List<String> rest = new ArrayList<>(List.of(target.split("/")));
                    rest.addAll(todo);
                    todo = rest;
                    if (target.startsWith("/")) {
                        current = root;
                    }
                    continue;
                }
                current = next;
            }
            if (!Files.isRegularFile(current, LinkOption.NOFOLLOW_LINKS)) {
                return "";
            }
            return Files.readString(current, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
