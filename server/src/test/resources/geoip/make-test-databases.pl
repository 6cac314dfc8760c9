#!/usr/bin/perl
# Writes the small GeoIP databases the GeoIP tests read, with MaxMind's own writer
# (Debian: apt-get install libmaxmind-db-writer-perl). The files are committed; run this only to change them:
#   perl make-test-databases.pl
# Networks are documentation ranges (RFC 5737, RFC 3849), so no real address is given a made-up place, plus
# private and loopback ranges that the server must never look up.
use strict;
use warnings;
use utf8;
use MaxMind::DB::Writer::Tree;

my %city_types = (
    city     => 'map',
    country  => 'map',
    names    => 'map',
    en       => 'utf8_string',
    iso_code => 'utf8_string',
);

sub place {
    my ($city, $country, $iso) = @_;
    my %record = (country => { iso_code => $iso, names => { en => $country } });
    $record{city} = { names => { en => $city } } if defined $city;
    return \%record;
}

sub tree {
    my ($type, $types) = @_;
    return MaxMind::DB::Writer::Tree->new(
        ip_version            => 6,
        record_size           => 24,
        database_type         => $type,
        languages             => ['en'],
        description           => { en => 'Portvakt test database, made by make-test-databases.pl' },
        map_key_type_callback => sub { $types->{ $_[0] } },
        remove_reserved_networks => 0,
        alias_ipv6_to_ipv4    => 1,
    );
}

my $city = tree('GeoIP2-City', \%city_types);
$city->insert_network('198.51.100.0/24', place('Göteborg', 'Sweden', 'SE'));
$city->insert_network('203.0.113.0/24', place(undef, 'Norway', 'NO'));
$city->insert_network('2001:db8::/32', place('Helsinki', 'Finland', 'FI'));
$city->insert_network('10.0.0.0/8', place('Private', 'Nowhere', 'ZZ'));
$city->insert_network('127.0.0.0/8', place('Loopback', 'Nowhere', 'ZZ'));
$city->insert_network('::1/128', place('Loopback', 'Nowhere', 'ZZ'));
open my $out, '>:raw', 'GeoIP2-City-Portvakt-Test.mmdb' or die $!;
$city->write_tree($out);
close $out;

my $asn = tree('GeoLite2-ASN', {
    autonomous_system_number => 'uint32',
    autonomous_system_organization => 'utf8_string',
});
$asn->insert_network('198.51.100.0/24',
    { autonomous_system_number => 64496, autonomous_system_organization => 'Documentation AS' });
open $out, '>:raw', 'GeoLite2-ASN-Portvakt-Test.mmdb' or die $!;
$asn->write_tree($out);
close $out;
