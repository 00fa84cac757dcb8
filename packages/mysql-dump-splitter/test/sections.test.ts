import { describe, expect, it } from 'vitest';
import { detectSection, detectStatement, endsRow, isDashLine, isRowLine, parseQuotedName } from '../src/sections.js';

const line = (text: string): [Buffer, number, number] => {
  const buf = Buffer.from(`${text}\n`);
  return [buf, 0, buf.length];
};

describe('section headers of MySQL and MariaDB dumps', () => {
  it.each([
    ['-- Table structure for table `customers`', 't', 'customers'],
    ['-- Table structure for table `weird name``x`', 't', 'weird name`x'],
    ['-- Dumping data for table `Zoë😀`', 'd', 'Zoë😀'],
    ['-- Temporary table structure for view `v1`', 'vt', 'v1'],
    ['-- Temporary view structure for view `v1`', 'vt', 'v1'],
    ['-- Final view structure for view `v1`', 'v', 'v1'],
    ["-- Dumping routines for database 'shop'", 'r', 'shop'],
    ["-- Dumping events for database 'shop'", 'e', 'shop'],
    ['-- Current Database: `shop`', 'db', 'shop'],
    ['/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;', 'footer', ''],
    ['/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;', 'footer', ''],
    ['-- Dump completed on 2026-11-21 20:41:00', 'footer', ''],
  ])('%s', (text, kind, name) => {
    expect(detectSection(...line(text))).toMatchObject({ kind, name });
  });

  it.each([
    ['-- Host: localhost    Database: shop'],
    ['-- Table structure for table customers'],
    ['INSERT INTO `t` VALUES (1);'],
    ['(1,\'-- Table structure for table `x`\'),'],
    ['/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;'],
  ])('not a header: %s', (text) => {
    expect(detectSection(...line(text))).toBeUndefined();
  });

  it.each([
    ['DROP TABLE IF EXISTS `t1`;', 'drop', 't1'],
    ['LOCK TABLES `t1` WRITE;', 'lock', 't1'],
    ['USE `my``db`;', 'use', 'my`db'],
  ])('statement %s', (text, what, name) => {
    expect(detectStatement(...line(text))).toEqual({ what, name });
  });

  it.each([
    ['INSERT INTO `t` VALUES (1);', true, true],
    ['INSERT INTO `t` VALUES', true, false],
    ['(1,2),', true, true],
    ['(3,4);', true, true],
    ['REPLACE INTO `t` VALUES (1);', true, true],
    ['INSERT  IGNORE INTO `t` VALUES (1);', true, true],
    ['UNLOCK TABLES;', false, true],
    ['INSERTED', false, false],
  ])('row line %s', (text, row, ends) => {
    const [buf, s, e] = line(text);
    expect(isRowLine(buf, s)).toBe(row);
    if (row) expect(endsRow(buf, s, e)).toBe(ends);
  });

  it.each([
    ['--', true],
    ['--\r', true],
    ['-- x', false],
    ['---', false],
  ])('dash line %j', (text, dash) => {
    expect(isDashLine(...line(text))).toBe(dash);
  });

  it.each([
    ['`a``b` rest', 'a`b'],
    ["'it''s'", "it's"],
    ['`unterminated', undefined],
    ['plain', undefined],
  ])('parseQuotedName(%j)', (text, name) => {
    expect(parseQuotedName(text)).toBe(name);
  });
});
