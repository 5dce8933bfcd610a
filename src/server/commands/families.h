// Registration entry points of the command families, one per file in this folder.
// Each function registers its family's declarative CommandSpec array with CommandTable.
#pragma once

namespace memkeydb {

void RegisterConnectionCommands();   // connection_family.cc: PING ECHO QUIT RESET AUTH HELLO SELECT
void RegisterTransactionCommands();  // transaction_family.cc: MULTI EXEC DISCARD WATCH UNWATCH
void RegisterStringCommands();       // string_family.cc: GET SET ... LCS
void RegisterBitmapCommands();       // bitmap_family.cc: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
void RegisterHllCommands();          // hll_family.cc: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST
void RegisterKeyCommands();          // key_family.cc: DEL EXISTS ... SCAN, expiry commands, DB commands
void RegisterServerCommands();       // server_family.cc: TIME LASTSAVE SHUTDOWN
void RegisterInfoCommands();         // info_family.cc: INFO
void RegisterClientCommands();       // client_family.cc: CLIENT and its subcommands
void RegisterDiagnosticsCommands();  // diagnostics_family.cc: MONITOR SLOWLOG LATENCY
void RegisterDebugCommands();        // debug_family.cc: DEBUG MEMORY
void RegisterConfigCommands();       // config_family.cc: CONFIG GET|SET|RESETSTAT|REWRITE
void RegisterPubSubCommands();       // pubsub_family.cc: (P|S)SUBSCRIBE PUBLISH PUBSUB ...
void RegisterStreamCommands();       // stream_family.cc: XADD XRANGE XREAD XGROUP XINFO ...
void RegisterZSetCommands();         // zset_family.cc: ZADD ZRANGE ... ZINTERCARD
void RegisterIntrospectionCommands();  // command_family.cc: COMMAND and its subcommands
void RegisterHashCommands();         // hash_family.cc: HSET HGET ... HRANDFIELD HSCAN
void RegisterListCommands();         // list_family.cc: LPUSH ... BLMPOP
void RegisterSetCommands();          // set_family.cc: SADD SREM ... SINTERCARD SSCAN
void RegisterSortCommands();         // sort_family.cc: SORT SORT_RO
void RegisterPersistenceCommands();  // persistence_family.cc: SAVE BGSAVE
void RegisterGeoCommands();          // geo_family.cc: GEOADD GEOPOS ... GEOSEARCH GEORADIUS
void RegisterAofCommands();          // aof_family.cc: BGREWRITEAOF
void RegisterDumpCommands();         // dump_family.cc: DUMP RESTORE
void RegisterReplicationCommands();  // replication_family.cc: PSYNC SYNC REPLCONF REPLICAOF ROLE WAIT

}  // namespace memkeydb
