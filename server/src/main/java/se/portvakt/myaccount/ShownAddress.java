package se.portvakt.myaccount;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IP address as a person reads it: an IPv6 address as the servlet container gives it in full
 * ({@code 0:0:0:0:0:0:0:1}) is written short, as RFC 5952 recommends ({@code ::1}); anything else as it was recorded.
 */
final class ShownAddress {

    private static final Pattern FULL_IPV6 = Pattern.compile("[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4}){7}");

    private ShownAddress() {}

    static String of(String address) {
        if (address == null) {
            return "";
        }
        if (!FULL_IPV6.matcher(address).matches()) {
            return address;
        }
        String[] groups = Arrays.stream(address.split(":"))
                .map(group -> Integer.toHexString(Integer.parseInt(group, 16)))
                .toArray(String[]::new);
        // The longest run of two or more zero groups (the first of equal ones) becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int start = 0; start < groups.length; start++) {
            int length = 0;
            while (start + length < groups.length && groups[start + length].equals("0")) {
                length++;
            }
            if (length > bestLength) {
                bestStart = start;
                bestLength = length;
            }
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        return String.join(":", Arrays.copyOfRange(groups, 0, bestStart)) + "::"
                + String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
    }
}
