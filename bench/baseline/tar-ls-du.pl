#!/usr/bin/perl
# The baseline for bench/tar-ls-du.bench.mjs: the original tar-ls-du.pl algorithm (a hash
# of path -> total, each entry's path split on '/' and its size added to every prefix in a
# loop, then a sorted print), reading the inputs the benchmark feeds the real tool.
# Output is tar-ls-du's text report (SIZE<TAB>PATH, largest first, ties by path in byte
# order), so the two outputs can be compared with cmp. Plain names only: no ls -b escapes.
#
#   perl tar-ls-du.pl --rclone|--ls|--tar|--lsjson [FILE...]
use strict;
use warnings;
use Encode qw(encode_utf8);

my %TAR = ('\\' => '\\', a => "\a", b => "\b", f => "\f", n => "\n", r => "\r", t => "\t", v => "\x0b");
my %JSON = (n => "\n", t => "\t", r => "\r", b => "\b", f => "\f");
# tar-ls-du prints names as `ls -b` does: backslashes and control characters escaped.
my %ESC = ("\\" => '\\\\', "\n" => '\\n', "\t" => '\\t', "\r" => '\\r', "\a" => '\\a', "\b" => '\\b', "\f" => '\\f', "\x0b" => '\\v');

my $format = shift @ARGV // '';
die "usage: $0 --rclone|--ls|--tar|--lsjson [FILE...]\n" unless $format =~ /^--(rclone|ls|tar|lsjson)$/;
my %total;
my $dir = '';    # ls -lR: the current `DIR:` section

# Adds $size to $path and to every directory above it.
sub add {
    my ($path, $size) = @_;
    $path =~ s{/+$}{} if length($path) > 1;
    $path =~ s{//+}{/}g;
    my @parts = split m{/}, $path, -1;
    my $prefix = '';
    for my $i (0 .. $#parts) {
        if ($i == 0) {
            $prefix = $parts[0];
            if ($prefix eq '') {    # an absolute path: '/' is a directory of its own
                $prefix = '/';
                $total{'/'} += $size;
                next;
            }
        } else {
            $prefix = $prefix eq '/' ? "/$parts[$i]" : "$prefix/$parts[$i]";
        }
        $total{$prefix} += $size;
    }
}

my $date = qr/(?:[A-Z][a-z][a-z] +\d{1,2} +(?:\d{1,2}:\d\d|\d{4,5})|\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?)/;
while (my $line = <>) {
    chomp $line;
    if ($format eq '--rclone') {
        add($2, $1 < 0 ? 0 : $1) if $line =~ /^ *(-?\d+) (.+)$/;
    } elsif ($format eq '--lsjson') {
        next unless $line =~ /"Path":"((?:[^"\\]|\\.)*)"/;
        my $path = $1;
        $path =~ s/\\(u([0-9a-fA-F]{4})|.)/defined $2 ? encode_utf8(chr(hex $2)) : ($JSON{$1} \/\/ $1)/ge;
        my $is_dir = $line =~ /"IsDir":true/;
        my $size = $line =~ /"Size":(\d+)/ ? $1 : 0;
        add($path, $is_dir ? 0 : $size);
    } elsif ($line =~ /^([-dlcbpsDhCMn?])\S{9}\S?(?: +\S+){1,3} +(\d+|\d+, *\d+) $date (.*)$/) {
        my ($type, $size, $name) = ($1, $2, $3);
        next if $name eq '.' || $name eq '..';
        $size = 0 if $size =~ /,/;
        $name =~ s/ -> .*$// if $type eq 'l';
        $name =~ s/ link to .*$// if $type eq 'h';
        # tar prints unusual bytes C-escaped (`\\`, `\n`, `\303\274`); tar-ls-du undoes that.
        $name =~ s/\\([0-7]{3}|[\\abfnrtv])/length $1 == 3 ? chr(oct $1) : $TAR{$1}/ge if $format eq '--tar';
        my $path = $format eq '--ls' && $dir ne '' ? ($dir =~ m{/$} ? "$dir$name" : "$dir/$name") : $name;
        add($path, $type eq 'd' ? 0 : $size);
    } elsif ($format eq '--ls' && $line =~ /^(.+):$/) {
        $dir = $1;
        add($dir, 0);
    }
}
for my $path (sort { $total{$b} <=> $total{$a} || $a cmp $b } keys %total) {
    (my $shown = $path) =~ s/([\\\x00-\x1f\x7f])/$ESC{$1} \/\/ sprintf('\\%03o', ord $1)/ge;
    print "$total{$path}\t$shown\n";
}
